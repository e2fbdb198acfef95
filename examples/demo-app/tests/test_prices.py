import unittest

from shop.prices import apply_discount, format_cents, price_of


class PricesTest(unittest.TestCase):
    def test_price_of_reads_the_catalog(self):
        self.assertEqual(price_of("bread"), 289)
        with self.assertRaises(KeyError):
            price_of("caviar")

    def test_discount_rounds_half_up(self):
        self.assertEqual(apply_discount(1000, 10), 900)
        self.assertEqual(apply_discount(289, 15), 246)  # 43.35 off -> 43
        self.assertEqual(apply_discount(150, 33), 100)  # 49.5 off -> 50
        with self.assertRaises(ValueError):
            apply_discount(100, 101)

    def test_format_cents(self):
        self.assertEqual(format_cents(123450), "€1,234.50")
        self.assertEqual(format_cents(-5), "-€0.05")


if __name__ == "__main__":
    unittest.main()
