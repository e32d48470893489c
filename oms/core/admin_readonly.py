"""Admin for records that only the services write."""


class ReadOnlyAdmin:
    """Mixed into a ModelAdmin or an inline: its records are shown to staff with the model's view permission and
    never added, changed or deleted in the admin (the services that write them take the locks and keep the money
    and the stock right)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
