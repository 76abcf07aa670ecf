"""Placeholder until the module lands (replaced by its owner)."""

from ninja import Router

router = Router()
