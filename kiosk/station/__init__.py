"""The station: what makes the kiosk a service a clinic runs. Configuration (`config`, read into
`settings`), the content life cycle (`content_store`: hot reload and the last good copy;
`content_install`), the staff PIN (`admin_pin`), status and set-pin (`ops`), the installer
(`installer`), systemd readiness and watchdog (`notify`), logging (`logs`) and the touch panel
(`panel`)."""
