"""One router per page area: home, library, profile, today, programme, log and progress, analyse, sign-in."""
