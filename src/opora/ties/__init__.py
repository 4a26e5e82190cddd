"""Inter-municipal economic ties from firm registries."""
