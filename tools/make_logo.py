"""Draw the example institute's logo: content/pakistan-russia/logo.png.

The mark is a navy square with rounded corners, a white "N" and an accent band along its
foot, and the institute's name beside it in two lines, all in the bundled Inter and the
built-in theme's colours (templates/css/brief.css: --primary, --accent). Drawn four times
larger and scaled down, for smooth edges. Run from the repository root:

    .venv/bin/python tools/make_logo.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "templates" / "fonts"
OUT = ROOT / "content" / "pakistan-russia" / "logo.png"

NAVY = (20, 57, 92, 255)  # --primary: #14395c
ACCENT = (180, 70, 43, 255)  # --accent: #b4462b
WHITE = (255, 255, 255, 255)
NAME = ("Northbridge Institute", "for Eurasian Policy")

SCALE = 4  # drawn at four times the size, then scaled down
HEIGHT = 180  # pixels, as the logo it replaces
SQUARE = 180
RADIUS = 18
BAND = 26  # the accent band's height
GAP = 34  # between the square and the name


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """Return a bundled Inter face at size pixels of the drawing."""
    return ImageFont.truetype(str(FONTS / name), size * SCALE)


def draw() -> Image.Image:
    """Return the logo as an RGBA image, transparent around the mark and the name."""
    bold, regular = font("Inter-Bold.otf", 58), font("Inter-Regular.otf", 58)
    measure = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    widths = [measure.textlength(NAME[0], font=bold), measure.textlength(NAME[1], font=regular)]
    width = (SQUARE + GAP) * SCALE + int(max(widths)) + 4 * SCALE
    s = SCALE
    image = Image.new("RGBA", (width, HEIGHT * s), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)

    # The square: navy above, the accent band below, corners rounded as one shape.
    mask = Image.new("L", (SQUARE * s, HEIGHT * s), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, SQUARE * s - 1, HEIGHT * s - 1),
                                           radius=RADIUS * s, fill=255)
    square = Image.new("RGBA", mask.size, NAVY)
    ImageDraw.Draw(square).rectangle((0, (HEIGHT - BAND) * s, SQUARE * s, HEIGHT * s),
                                     fill=ACCENT)
    image.paste(square, (0, 0), mask)

    # The letter, centred on the navy part of the square.
    letter = font("Inter-Bold.otf", 112)
    left, top, right, bottom = pen.textbbox((0, 0), "N", font=letter)
    x = (SQUARE * s - (right - left)) / 2 - left
    y = ((HEIGHT - BAND) * s - (bottom - top)) / 2 - top
    pen.text((x, y), "N", font=letter, fill=WHITE)

    # The name in two lines, set on the square's optical centre line.
    x = (SQUARE + GAP) * s
    pen.text((x, 86 * s), NAME[0], font=bold, fill=NAVY, anchor="ls")
    pen.text((x, 154 * s), NAME[1], font=regular, fill=NAVY, anchor="ls")

    return image.resize((width // s, HEIGHT), Image.Resampling.LANCZOS)


if __name__ == "__main__":
    # 64 colours (with their transparency) look the same and weigh a fifth: the logo
    # travels in every page, PDF and Word file.
    draw().quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(OUT, optimize=True)
    print(f"wrote {OUT.relative_to(ROOT)}")
