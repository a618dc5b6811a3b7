"""Running the examples of the documentation: blocks, quoted output, sessions."""
