"""A template HR uploads, from the file to an accepted template:
- package_check.py, formulas.py  the file itself: no macros, links, or formulas that reach outside;
- check.py, messages.py, places.py  every name and block, with Dutch messages that say where;
- sample_plans.py   the demo plan and the extremes each upload is tried on;
- isolation.py, render_child.py  the child process with limits that renders uploads;
- rendered_check.py  whether a filled result is still a document Word and Excel open."""
