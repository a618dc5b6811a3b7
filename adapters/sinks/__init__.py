"""Record sinks: file formats written atomically as chunks stream in, stdout, and memory."""
