"""Private helpers shared by the estimators (devices, seeding, validation, discovery)."""
