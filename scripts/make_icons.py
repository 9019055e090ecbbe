"""Draw the app icons (two overlapping rings, as icon.svg) as PNGs with Pillow.

Run from the repository root: .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path("reattune/static/reattune")
BG = (251, 248, 244, 255)
GREEN = (47, 111, 98, 255)
CLAY = (199, 129, 90, 255)


def icon(size, maskable=False):
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), BG)
    draw = ImageDraw.Draw(image)
    # Maskable icons keep the drawing inside the central 80% safe zone.
    unit = big / 32 * (0.72 if maskable else 0.9)
    centre = big / 2
    radius, width = 8 * unit, max(1, round(3 * unit))
    for dx, colour in ((-4, GREEN), (4, CLAY)):
        cx = centre + dx * unit
        draw.ellipse(
            (
                cx - radius - width / 2,
                centre - radius - width / 2,
                cx + radius + width / 2,
                centre + radius + width / 2,
            ),
            outline=colour,
            width=width,
        )
    return image.resize((size, size), Image.LANCZOS).convert("RGB")


for size in (180, 192, 512):
    icon(size).save(OUT / f"icon-{size}.png", optimize=True)
icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
