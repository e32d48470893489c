"""The ordering screens: the line editor, Identify, checkout, and finding the cart named in the URL."""
