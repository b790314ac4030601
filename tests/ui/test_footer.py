"""The footer shows the keys that work now, and is rebuilt only when they change."""

from __future__ import annotations

from textual.widgets import Input

from gdtui.ui.widgets.footer import Footer


def footer_text(app) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(key.description) for key in footer.query("FooterKey"))


async def test_focus_moves_rebuild_the_footer_only_when_its_keys_change(ui):
    app = ui.make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ui.ready(pilot)
        footer = app.screen.query_one(Footer)
        rebuilds = []
        original = footer.recompose

        async def counted():
            rebuilds.append(footer_text(app))
            await original()

        footer.recompose = counted  # a test hook on this instance only
        assert "step" in footer_text(app) and "leave field" not in footer_text(app)

        fields = list(app.screen.query(Input))
        assert len(fields) >= 2
        fields[0].focus()
        await pilot.pause()
        await pilot.pause()
        assert len(rebuilds) == 1, "focusing a field changes the keys: one rebuild"
        assert "leave field" in footer_text(app) and "step" not in footer_text(app).split()

        fields[1].focus()  # another field: the same keys work
        await pilot.pause()
        await pilot.pause()
        assert len(rebuilds) == 1, "the same keys must not rebuild the footer"

        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert len(rebuilds) == 2
        assert "step" in footer_text(app).split() and "leave field" not in footer_text(app)
