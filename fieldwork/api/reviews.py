"""Routes of this resource are added by their issue's work."""
