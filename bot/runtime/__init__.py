"""Running the live bot: the application factory, long polling and the webhook server."""
