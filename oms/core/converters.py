"""Path converters for our URLs."""

ID_MAX = 2**63 - 1  # the largest integer a primary key column holds (PostgreSQL bigint, SQLite INTEGER)


class IdConverter:
    """``<id:pk>``: a non-negative integer that fits a database key; a larger one matches no URL (404), where
    Django's ``int`` would pass it on and SQLite refuse it with an error."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError(f"{value} is larger than any id")
        return number

    def to_url(self, value) -> str:
        return str(value)
