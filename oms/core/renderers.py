"""How forms are drawn: every form of the back office through one field template (STYLE.md: one way everywhere)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form renderer over the TEMPLATES setting, with the project's templates for a field
    ({{ field.as_field_group }}: label, control, errors, help) and a whole form ({{ form }}), in jinja2/forms/.
    A field may name its own (``template_name``), as the quantities in tables of lines do."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
