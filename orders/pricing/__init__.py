"""Pricing: the one totals function, price levels and tables, overrides, discounts, tax and shipping methods."""
