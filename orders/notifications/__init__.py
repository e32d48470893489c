"""The order's emails (confirmation, shipping) and the task that sends them."""
