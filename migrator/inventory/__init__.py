"""Vendor inventories: model, tolerant Excel import and checks."""
