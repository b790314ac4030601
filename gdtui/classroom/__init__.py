"""`gdtui classroom`: every student gets their own gdtui over SSH; the teacher sees the room.

Layout of the package (each module holds one thing):

- :mod:`.config`    the options, host key, authorized keys and class password;
- :mod:`.control`   the small line protocol between the server and each student's app;
- :mod:`.zygote`    the pre-warmed process that forks one child per student;
- :mod:`.student`   the student's app (gdtui plus the control link: freeze, load, status);
- :mod:`.server`    the asyncssh server: auth, limits, one pty per connection, the relay;
- :mod:`.dashboard` the teacher's live view in the terminal that runs the server;
- :mod:`.command`   the `gdtui classroom` command.
"""
