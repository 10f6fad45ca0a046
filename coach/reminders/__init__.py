"""The reminder engine: the store (claims due occurrences, records outcomes, recovers after a
crash), the one next-fire rule (fire_times), the dispatcher (sends, retries, records), the
broadcast limiter and the aiohttp transport broadcasts use."""
