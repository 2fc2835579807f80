"""One package per vendor API: each translates its wire format to service calls and back."""
