"""A shopping cart (absolute import of shop.prices)."""

from shop.prices import apply_discount, price_of


class Cart:
    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.discount_percent = 0

    def add(self, sku: str, quantity: int = 1) -> None:
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        price_of(sku)  # unknown skus fail here, not at checkout
        self.lines[sku] = self.lines.get(sku, 0) + quantity

    def subtotal(self) -> int:
        return sum(price_of(sku) * qty for sku, qty in self.lines.items())

    def total(self) -> int:
        return apply_discount(self.subtotal(), self.discount_percent)
