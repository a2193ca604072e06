"""Scheduled jobs (APScheduler 3.x), declared as data with stable ids."""
