"""The dashboard, the daily sales summary it reads, and the CSV export."""
