"""Real programs: the kiosk in tmux and on a pty, systemd tooling, the service user, the touch stack."""
