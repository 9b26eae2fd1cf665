"""Certification: awarding by the syllabus rules, certificates (PDF, public verification, Open
Badges 3.0), expiry reminders, and background jobs for long work."""
