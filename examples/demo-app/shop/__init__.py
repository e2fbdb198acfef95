"""A tiny shop: prices from catalog.json, a cart, a receipt.

Kept empty on purpose: importing shop.prices must not pull in shop.cart,
so a change to cart.py selects only the tests that really import it.
"""
