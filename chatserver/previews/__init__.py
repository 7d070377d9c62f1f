"""Link previews: the title, description and image of the first link in a message, fetched only from public addresses."""
