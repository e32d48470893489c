"""Shipping an order: shipments and carriers, the invoice and packing slip."""
