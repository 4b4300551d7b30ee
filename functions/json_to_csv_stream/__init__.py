"""Kinesis records (base64 JSON) converted to one CSV object per batch."""
