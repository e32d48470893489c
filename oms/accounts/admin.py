"""The admin's users and groups, as Django's, except that only a superuser grants superuser status or
permissions outside the roles, and only a superuser changes a superuser's account."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

SUPERUSER_ONLY_USER_FIELDS = ["is_superuser", "user_permissions"]

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_USER_FIELDS  # shown, and a forged POST of them is ignored
        return readonly

    def has_change_permission(self, request, obj=None):
        # an Administrator who could set a superuser's password or e-mail could become them
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """A group's permissions are its role's (oms.accounts.roles, put back at every migrate): read-only here
    for everyone but a superuser."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
        return readonly
