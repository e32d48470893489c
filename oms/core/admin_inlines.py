"""Admin inlines with a real ceiling on their forms."""


class BoundedInline:
    """Mixed into an InlineModelAdmin: a posted form count above ``max_num`` is refused. Django's own
    ceiling is max_num + 1,000: a forged TOTAL_FORMS of 1,000,000 built and rendered 1,000 address
    forms when the page came back with an error, 3 GB for one request."""

    max_num = 50

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)
