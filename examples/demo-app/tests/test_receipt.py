import unittest

from shop.cart import Cart
from shop.receipt import render


class ReceiptTest(unittest.TestCase):
    def test_render(self):
        cart = Cart()
        cart.add("milk", 2)
        cart.add("bread")
        cart.discount_percent = 50
        self.assertEqual(
            render(cart),
            "1 x bread         €2.89\n"
            "2 x milk          €2.38\n"
            "discount 50%\n"
            "total             €2.63\n",  # 5.27 - 2.64 (50% of 5.27, rounded half up)
        )


if __name__ == "__main__":
    unittest.main()
