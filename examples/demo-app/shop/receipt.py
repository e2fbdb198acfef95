"""Renders a cart as text (relative imports: .cart and .prices)."""

from .cart import Cart
from .prices import format_cents, price_of


def render(cart: Cart) -> str:
    lines = [
        f"{qty} x {sku:<8} {format_cents(price_of(sku) * qty):>10}"
        for sku, qty in sorted(cart.lines.items())
    ]
    if cart.discount_percent:
        lines.append(f"discount {cart.discount_percent}%")
    lines.append(f"{'total':<12} {format_cents(cart.total()):>10}")
    return "\n".join(lines) + "\n"
