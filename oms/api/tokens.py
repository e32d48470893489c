"""The API tokens page (account menu): a staff member makes personal tokens, sees each key once, and revokes them.
Only their own: another user's token is not found (404) and nothing changes."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import ApiToken
from .services import api_token_create, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "expires"]
        labels = {"name": "Name", "expires": "Expires"}
        help_texts = {"name": "What uses it, e.g. Warehouse sync: order timelines name the token.",
                      "expires": "The last day the token works; empty: until revoked."}
        widgets = {"expires": forms.DateInput(attrs={"type": "date"})}

    def clean_expires(self):
        expires = self.cleaned_data["expires"]
        if expires is not None and expires < timezone.localdate():
            raise forms.ValidationError("That day has passed: choose today or a later day, or leave it empty.")
        return expires


NEW_KEY = "api_new_token_key"


@never_cache
def token_list(request):
    """Your tokens, and `Create token`. The new key is shown on the page the form redirects to, once: it waits in
    the session only until then (only its hash is kept), so a reload neither shows it again nor makes another."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, key = api_token_create(user=request.user, name=form.cleaned_data["name"],
                                  expires=form.cleaned_data["expires"])
        request.session[NEW_KEY] = key
        return redirect("api_tokens:list")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "key": request.session.pop(NEW_KEY, None),
                                               "tokens": tokens, "today": timezone.localdate()})


@require_POST
def token_revoke(request, pk: int):
    token = api_token_revoke(user=request.user, pk=pk)
    messages.success(request, f"Token {token.name} is revoked: requests with it are refused from now on.")
    return redirect("api_tokens:list")
