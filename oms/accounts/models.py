"""No models: roles are auth groups, devices are django-otp's. This module only makes Django send this
app the post_migrate signal (it skips apps without one), which keeps the role groups in step."""
