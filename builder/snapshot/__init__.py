"""The snapshot stages on the host: build, digest, publish, restore, the image, the media archive."""
