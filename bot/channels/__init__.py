"""Channel adapters: parse platform payloads into Inbound messages and render Outbound ones."""
