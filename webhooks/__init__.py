"""Marketplace webhooks: endpoints, the enforcement-event outbox, signed delivery with retries."""
