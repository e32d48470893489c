"""Taking an order: the line editor (the cart, and a placed order's edit), Identify, checkout and placing."""
