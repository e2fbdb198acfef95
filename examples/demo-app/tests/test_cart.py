import unittest

from shop.cart import Cart


class CartTest(unittest.TestCase):
    def test_totals_with_discount(self):
        cart = Cart()
        cart.add("apple", 4)
        cart.add("coffee")
        cart.add("apple")
        self.assertEqual(cart.lines, {"apple": 5, "coffee": 1})
        self.assertEqual(cart.subtotal(), 5 * 45 + 1199)
        cart.discount_percent = 10
        self.assertEqual(cart.total(), 1282)  # 1424 - 142.4 -> 1424 - 142

    def test_refuses_bad_lines(self):
        cart = Cart()
        with self.assertRaises(KeyError):
            cart.add("caviar")
        with self.assertRaises(ValueError):
            cart.add("milk", 0)


if __name__ == "__main__":
    unittest.main()
