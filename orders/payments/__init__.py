"""Payments against an order, its payment status and terms."""
