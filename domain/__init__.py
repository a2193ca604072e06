"""Pure domain logic: values in, values out; no network, files or clock (now is a parameter)."""
