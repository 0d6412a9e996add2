"""Serving a class: learners' sign-in codes (:mod:`.accounts`) and the web server that gives
each signed-in browser a lectio process of its own (:mod:`.web`, needs ``lectio[web]``)."""
