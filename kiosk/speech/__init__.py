"""What hearing and speaking share: WAV files, worker processes (kiosk.speech.worker and the serving
side, kiosk.speech.worker_process), speech model files on disk, and per-process scratch folders."""
