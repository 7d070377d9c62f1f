"""Images re-encoded (chatserver/images.py): metadata gone, orientation applied, animations kept, bombs refused."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import tracemalloc
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageStat, PngImagePlugin

from chatserver.images import (
    MAX_FRAMES,
    THUMBNAIL_PX,
    Encoded,
    Processed,
    TooLarge,
    Undecodable,
    process_image,
    thumbnail_from_bytes,
)

ROOT = Path(__file__).resolve().parent.parent
TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
RED, BLUE = (230, 20, 20), (20, 20, 230)

Process = Callable[..., Processed]


@pytest.fixture
def process(tmp_path: Path) -> Process:
    """Write bytes to a file and process them as the given type."""

    def run(data: bytes, detected_type: str, **limits: int) -> Processed:
        path = tmp_path / "upload"
        path.write_bytes(data)
        return process_image(str(path), detected_type, **limits)

    return run


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    """img in fmt, written by Pillow."""
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def halves(size: tuple[int, int] = (20, 10)) -> Image.Image:
    """An image red on its left half and blue on its right: its orientation can be seen."""
    img = Image.new("RGB", size, RED)
    ImageDraw.Draw(img).rectangle([size[0] // 2, 0, size[0], size[1]], fill=BLUE)
    return img


def near(a: tuple[int, ...], b: tuple[int, ...], within: int = 24) -> bool:
    """Two colours equal within lossy compression's error."""
    return all(abs(x - y) <= within for x, y in zip(a, b, strict=True))


def opened(encoded: Encoded) -> Image.Image:
    """The encoded image decoded again, checked against what Encoded says about it."""
    img = Image.open(io.BytesIO(encoded.data))
    assert TYPES[str(img.format)] == encoded.type
    assert img.size == (encoded.width, encoded.height)
    return img


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order."""
    pos, kinds = 8, []
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def png_claiming(width: int, height: int, rows: int = 1) -> bytes:
    """A valid PNG header for an RGB image of width x height, with the compressed data of its first rows."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x01\x80\x80\x80" + bytes(3 * width - 3)  # filter "Sub": grey, then no change to the right
    packer = zlib.compressobj()
    idat = b"".join(packer.compress(row) for _ in range(rows)) + packer.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def frames_of(data: bytes) -> list[tuple[bytes, int]]:
    """Each frame of an animation, composed as a viewer shows it (RGBA), with its duration."""
    img = Image.open(io.BytesIO(data))
    out = []
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        out.append((img.convert("RGBA").tobytes(), int(img.info.get("duration", 0))))
    return out


def on_white(img: Image.Image) -> Image.Image:
    """img composed over white, as a page shows it."""
    return Image.alpha_composite(Image.new("RGBA", img.size, "white"), img.convert("RGBA")).convert("RGB")


def sprite_frames(count: int = 4, size: tuple[int, int] = (40, 30)) -> list[Image.Image]:
    """A red, green or blue square moving across a transparent canvas (palette index 0)."""
    frames = []
    for index in range(count):
        frame = Image.new("P", size, 0)
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])
        ImageDraw.Draw(frame).rectangle([index * 8, 5, index * 8 + 10, 15], fill=1 + index % 3)
        frames.append(frame)
    return frames


# -- metadata and orientation --------------------------------------------------------------------


def test_a_photo_loses_its_exif_gps_xmp_and_comment_and_is_turned_upright(process: Process) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # turn 90 degrees clockwise to show
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Model] = "Model X-42"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">where I live</x:xmpmeta>'
    data = encode(halves(), "JPEG", exif=exif, comment=b"private note", xmp=xmp, quality=95)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo) and source.info["comment"] == b"private note"

    done = process(data, "image/jpeg")
    out = opened(done.image)
    assert (done.image.type, done.image.ext, out.size) == ("image/jpeg", "jpg", (10, 20))
    assert not out.getexif() and not {"exif", "xmp", "comment"} & set(out.info)
    for secret in (b"Exif\0\0", b"SecretCam", b"Model X-42", b"xmpmeta", b"where I live", b"private note"):
        assert secret not in done.image.data
    # Orientation 6: the left half (red) is now on top.
    assert near(out.convert("RGB").getpixel((5, 2)), RED) and near(out.convert("RGB").getpixel((5, 17)), BLUE)
    assert done.thumbnail is None  # already small


# Regression: EXIF with a mangled entry (found by fuzzing) made ImageOps.exif_transpose raise TypeError.
BROKEN_EXIF = bytes.fromhex(
    "4578696600004d4d002a000000080003010f99020000000443616d00011200030000000100060000882500040000000100000032"
    "000000001e020001000200a200024e000000000200050000000300000050000000000000fa01000000010000000200000001"
    "0000000300000001"
)


def test_a_broken_exif_is_dropped_and_the_photo_kept(process: Process) -> None:
    done = process(encode(halves(), "JPEG", exif=BROKEN_EXIF), "image/jpeg")
    out = opened(done.image)
    assert out.size == (10, 20) and not out.getexif()  # its orientation (6) could still be read
    assert opened(thumbnail_from_bytes(encode(halves((1000, 500)), "JPEG", exif=BROKEN_EXIF))).size == (240, 480)


@settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(damage=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_exif_never_fails_the_photo(
    tmp_path_factory: pytest.TempPathFactory, damage: list[tuple[int, int]]
) -> None:
    exif = bytearray(BROKEN_EXIF)
    for at, value in damage:
        exif[at % len(exif)] = value
    path = tmp_path_factory.mktemp("exif") / "upload"
    path.write_bytes(encode(halves(), "JPEG", exif=bytes(exif)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about each corrupt tag it skips
        out = opened(process_image(str(path), "image/jpeg").image)
    assert out.size in ((20, 10), (10, 20)) and not out.getexif()


def test_png_text_time_and_exif_chunks_are_dropped(process: Process) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_text("Comment", "compressed secret", zip=True)
    info.add_itxt("Description", "<script>alert(1)</script>", lang="en")
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 5, 6, 7, 8, 9))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    data = encode(halves(), "PNG", pnginfo=info, exif=exif)
    assert {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"} <= set(png_chunks(data))

    done = process(data, "image/png")
    assert set(png_chunks(done.image.data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"iCCP"}
    for secret in (b"Jane Doe", b"SecretCam", b"<script"):
        assert secret not in done.image.data
    assert opened(done.image).convert("RGB").tobytes() == halves().tobytes()  # PNG stays lossless


@pytest.mark.parametrize("frames", [1, 3])
def test_a_polyglot_gif_loses_its_payload(process: Process, frames: int) -> None:
    images = sprite_frames(frames)
    payload = b"<html><script>alert(1)</script></html>"
    data = encode(images[0], "GIF", save_all=True, append_images=images[1:], comment=payload)
    assert b"<script>" in data
    done = process(data, "image/gif")
    assert b"<script" not in done.image.data and b"<html" not in done.image.data
    out = opened(done.image)
    assert getattr(out, "n_frames", 1) == frames and "comment" not in out.info


def test_a_jpeg_is_written_progressive_at_quality_88(process: Process) -> None:
    photo = Image.effect_noise((64, 64), 40).convert("RGB")
    out = opened(process(encode(photo, "JPEG", quality=100), "image/jpeg").image)
    reference = Image.open(io.BytesIO(encode(photo, "JPEG", quality=88)))
    assert out.info.get("progressive") and out.quantization == reference.quantization


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_srgb_profile_is_kept(process: Process, fmt: str) -> None:
    done = process(encode(halves(), fmt, icc_profile=SRGB), TYPES[fmt])
    assert opened(done.image).info.get("icc_profile") == SRGB


def test_a_profile_of_another_colour_space_is_dropped(process: Process) -> None:
    grey = encode(Image.new("L", (8, 8), 128), "JPEG", icc_profile=SRGB)  # an RGB profile on grey pixels
    out = opened(process(grey, "image/jpeg").image)
    assert out.mode == "L" and "icc_profile" not in out.info


def test_a_cmyk_jpeg_becomes_rgb(process: Process) -> None:
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # no cyan, full magenta and yellow: red
    for params in ({}, {"icc_profile": SRGB}):  # the second's profile does not fit: Pillow's formula then
        out = opened(process(encode(cmyk, "JPEG", **params), "image/jpeg").image)
        assert out.mode == "RGB" and "icc_profile" not in out.info
        assert near(out.getpixel((8, 8)), (255, 0, 0))


def test_modes_survive(process: Process) -> None:
    deep = Image.linear_gradient("L").resize((30, 20)).point(lambda v: v * 257, "I").convert("I;16")
    out = opened(process(encode(deep, "PNG"), "image/png").image)
    assert out.mode in ("I;16", "I") and out.getextrema()[1] > 255  # still 16 bits

    palette = sprite_frames(1)[0]
    out = opened(process(encode(palette, "PNG", transparency=0), "image/png").image)
    assert out.convert("RGBA").getpixel((39, 29))[3] == 0 and out.convert("RGBA").getpixel((5, 10))[3] == 255

    glass = Image.new("RGBA", (10, 10), (0, 255, 0, 100))
    for fmt in ("PNG", "WEBP"):
        out = opened(process(encode(glass, fmt), TYPES[fmt]).image)
        assert near(out.convert("RGBA").getpixel((5, 5)), (0, 255, 0, 100), 4)

    still = sprite_frames(1)[0]
    out = opened(process(encode(still, "GIF", transparency=0), "image/gif").image)
    assert out.convert("RGBA").getpixel((39, 29))[3] == 0 and getattr(out, "n_frames", 1) == 1


@settings(max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    mode=st.sampled_from(["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16"]),
    fmt=st.sampled_from(["JPEG", "PNG", "GIF", "WEBP"]),
    size=st.tuples(st.integers(1, 700), st.integers(1, 700)),
    seed=st.integers(0, 255),
)
def test_any_small_image_comes_back_in_its_format_and_size(
    tmp_path_factory: pytest.TempPathFactory, mode: str, fmt: str, size: tuple[int, int], seed: int
) -> None:
    img = Image.effect_noise(size, 60).point(lambda v: (v + seed) % 256).convert(mode)
    try:
        data = encode(img, fmt)
    except (OSError, ValueError, KeyError):
        return  # Pillow cannot write this mode in this format: nobody can upload it either
    path = tmp_path_factory.mktemp("img") / "upload"
    path.write_bytes(data)
    done = process_image(str(path), TYPES[fmt])
    out = opened(done.image)
    assert out.format == fmt and out.size == size and not out.getexif()
    if max(size) > THUMBNAIL_PX:
        assert done.thumbnail is not None and max(opened(done.thumbnail).size) == THUMBNAIL_PX
    else:
        assert done.thumbnail is None


# -- animations -----------------------------------------------------------------------------------


def test_an_animated_gif_keeps_every_frame_as_shown_its_durations_and_loop(process: Process) -> None:
    frames = sprite_frames()
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300, 400], loop=0)
    data_disposed = encode(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=70, disposal=2, transparency=0
    )
    for source in (data, data_disposed):
        done = process(source, "image/gif")
        assert frames_of(done.image.data) == frames_of(source)  # every pixel of every frame, and durations
        assert Image.open(io.BytesIO(done.image.data)).info.get("loop") == Image.open(io.BytesIO(source)).info.get(
            "loop"
        )
    assert [duration for _, duration in frames_of(data)] == [100, 200, 300, 400]


def test_an_opaque_gif_with_many_colours_stays_exact(process: Process) -> None:
    frames = []
    for index in range(3):
        frame = Image.linear_gradient("L").resize((64, 64)).convert("RGB")
        ImageDraw.Draw(frame).ellipse([index * 10, 5, index * 10 + 20, 25], fill=(255, 120, 0))
        frames.append(frame)
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    assert frames_of(process(data, "image/gif").image.data) == frames_of(data)


def test_an_animated_webp_and_an_apng_keep_their_frames_and_durations(process: Process) -> None:
    frames = [frame.convert("RGBA") for frame in sprite_frames()]
    params = {"save_all": True, "append_images": frames[1:], "duration": [100, 200, 300, 400], "loop": 3}
    for fmt in ("WEBP", "PNG"):
        source = encode(frames[0], fmt, lossless=True, **params) if fmt == "WEBP" else encode(frames[0], fmt, **params)
        done = process(source, TYPES[fmt])
        got, want = frames_of(done.image.data), frames_of(source)
        assert [d for _, d in got] == [100, 200, 300, 400] and len(got) == 4
        out = Image.open(io.BytesIO(done.image.data))
        assert out.format == fmt and out.info.get("loop") == 3
        # As shown on a white page (lossy WebP keeps no colour under transparent pixels, and blurs
        # colour edges): each frame is close to its own source frame, and closer than to any other.
        shown = [[on_white(Image.frombytes("RGBA", (40, 30), frame)) for frame, _ in seq] for seq in (got, want)]
        for index, frame in enumerate(shown[0]):
            distances = [sum(ImageStat.Stat(ImageChops.difference(frame, other)).mean) for other in shown[1]]
            assert distances[index] < 15 and distances.index(min(distances)) == index
        # An animation of any size gets a still thumbnail: its first frame.
        assert done.thumbnail is not None and getattr(opened(done.thumbnail), "n_frames", 1) == 1
        assert (done.thumbnail.width, done.thumbnail.height) == (40, 30)


# -- limits ---------------------------------------------------------------------------------------


def test_over_the_pixel_cap_is_too_large(process: Process) -> None:
    data = encode(halves((100, 100)), "PNG")
    assert process(data, "image/png", max_pixels=10_000).image.width == 100
    with pytest.raises(TooLarge):
        process(data, "image/png", max_pixels=9_999)


def test_all_frames_together_count_against_the_cap(process: Process) -> None:
    frames = [Image.new("P", (50, 50), index) for index in range(10)]
    for frame in frames:
        frame.putpalette([value for index in range(10) for value in (index * 25, 0, 0)])
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert len(frames_of(process(data, "image/gif", max_pixels=25_000).image.data)) == 10
    with pytest.raises(TooLarge):
        process(data, "image/gif", max_pixels=24_999)  # one frame is 2,500 pixels, all ten 25,000


def test_too_many_frames_is_too_large(process: Process) -> None:
    one, other = Image.new("RGB", (2, 1), "red"), Image.new("RGB", (2, 1), "blue")

    def blinking(count: int) -> bytes:
        frames = [one if index % 2 else other for index in range(count)]
        return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=20)

    assert len(frames_of(process(blinking(MAX_FRAMES), "image/gif").image.data)) == MAX_FRAMES
    with pytest.raises(TooLarge):
        process(blinking(MAX_FRAMES + 1), "image/gif")


def gif_descriptors(data: bytes) -> list[int]:
    """Where each image descriptor of a GIF starts."""
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    found = []
    while pos < len(data) and data[pos] in (0x21, 0x2C):
        if data[pos] == 0x2C:
            found.append(pos)
            flags = data[pos + 9]
            pos += 11 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
        else:
            pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return found


@pytest.mark.parametrize("frame", [0, 1])
def test_a_gif_frame_larger_than_its_screen_is_too_large(process: Process, frame: int) -> None:
    frames = sprite_frames(2, (10, 10))
    data = bytearray(encode(frames[0], "GIF", save_all=True, append_images=frames[1:]))
    at = gif_descriptors(bytes(data))[frame]
    data[at + 5 : at + 9] = struct.pack("<HH", 5000, 5000)  # Pillow grows the canvas to fit the frame
    with pytest.raises(TooLarge):
        process(bytes(data), "image/gif", max_pixels=1_000_000)


@pytest.mark.parametrize("side", [7_000, 60_000])
def test_a_decompression_bomb_is_refused_from_its_header(process: Process, side: int) -> None:
    # 7000^2 is over our 40 M cap but under Pillow's own warning; 60000^2 trips Pillow's error.
    data = png_claiming(side, side)
    tracemalloc.start()
    began = time.perf_counter()
    with pytest.raises(TooLarge):
        process(data, "image/png")
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 2_000_000  # Python's allocations; Pillow's pixel buffers are measured below


MEASURE = """
import re, sys
from chatserver.images import TooLarge, Undecodable, process_image
try:
    process_image(sys.argv[1], "image/png", int(sys.argv[2]))
    outcome = "processed"
except (TooLarge, Undecodable) as error:
    outcome = type(error).__name__
# VmHWM, not ru_maxrss: that one keeps the forked parent's (pytest's) size across exec.
with open("/proc/self/status") as status:
    print(outcome, int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1)) // 1024)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from Linux's /proc")
def test_a_bomb_allocates_no_pixels(tmp_path: Path) -> None:
    """Measured in a child process: its peak resident memory, with and without the cap."""
    path = tmp_path / "bomb.png"
    path.write_bytes(png_claiming(5_000, 5_000, rows=5_000))  # 75 MB of grey RGB pixels once decoded

    def run(max_pixels: int) -> tuple[str, int]:
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, str(path), str(max_pixels)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        outcome, megabytes = result.stdout.split()
        return outcome, int(megabytes)

    capped, uncapped = run(10_000_000), run(10**9)
    assert capped[0] == "TooLarge"
    # The control: with no cap the same file is decoded, and the measurement sees its pixels.
    assert uncapped[0] == "processed"
    assert uncapped[1] - capped[1] > 60, (capped, uncapped)


# -- what is not an image -------------------------------------------------------------------------


def test_what_pillow_cannot_decode_is_undecodable(process: Process) -> None:
    png = encode(Image.effect_noise((200, 200), 50).convert("RGB"), "PNG")
    # Decision: a truncated image is refused (Pillow's LOAD_TRUNCATED_IMAGES is process-wide: untouched).
    for data, detected in (
        (png[: len(png) // 2], "image/png"),
        (png[:8] + bytes(200), "image/png"),
        (encode(halves(), "JPEG"), "image/png"),  # the decoder is the detected type's only
        (encode(halves(), "BMP"), "image/webp"),
        (b"GIF89a" + bytes(3), "image/gif"),
        (png, "application/pdf"),
    ):
        with pytest.raises(Undecodable):
            process(data, detected)


# -- thumbnails -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "orientation", "expected"),
    [
        ((1600, 900), 1, (480, 270)),
        ((1600, 900), 6, (270, 480)),
        ((900, 1600), 1, (270, 480)),
        ((481, 100), 1, (480, 100)),
        ((4000, 3), 1, (480, 1)),
    ],
)
def test_thumbnails_are_webp_within_the_long_side(
    process: Process, size: tuple[int, int], orientation: int, expected: tuple[int, int]
) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCam"
    done = process(encode(halves(size), "JPEG", exif=exif), "image/jpeg")
    assert done.thumbnail is not None
    thumb = opened(done.thumbnail)
    assert (thumb.format, thumb.size, done.thumbnail.ext) == ("WEBP", expected, "webp")
    assert not thumb.getexif() and b"SecretCam" not in done.thumbnail.data
    assert (done.image.width, done.image.height) == (size[::-1] if orientation == 6 else size)


@pytest.mark.parametrize("size", [(480, 480), (300, 200), (1, 1)])
def test_a_small_still_image_has_no_thumbnail(process: Process, size: tuple[int, int]) -> None:
    assert process(encode(halves(size), "PNG"), "image/png").thumbnail is None


def test_a_transparent_image_has_a_transparent_thumbnail(process: Process) -> None:
    img = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle([0, 0, 499, 499], fill=(255, 0, 0, 255))
    thumb = opened(process(encode(img, "PNG"), "image/png").thumbnail or pytest.fail("no thumbnail"))
    assert thumb.mode == "RGBA" and thumb.getpixel((470, 100))[3] == 0 and thumb.getpixel((10, 100))[3] == 255


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_thumbnail_from_bytes(fmt: str) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretCam"
    params = {"exif": exif} if fmt in ("JPEG", "WEBP", "PNG") else {}
    data = encode(halves((1000, 500)), fmt, **params)
    thumb = thumbnail_from_bytes(data)
    out = opened(thumb)
    assert (thumb.type, out.format, not out.getexif()) == ("image/webp", "WEBP", True)
    assert out.size == ((240, 480) if params else (480, 240))
    assert b"SecretCam" not in thumb.data
    assert opened(thumbnail_from_bytes(data, px=100)).size == ((50, 100) if params else (100, 50))
    assert opened(thumbnail_from_bytes(encode(halves((50, 20)), fmt))).size == (50, 20)  # never enlarged


def test_thumbnail_from_bytes_refuses_bombs_and_non_images() -> None:
    with pytest.raises(TooLarge):
        thumbnail_from_bytes(png_claiming(60_000, 60_000))
    with pytest.raises(TooLarge):
        thumbnail_from_bytes(encode(halves((100, 100)), "PNG"), max_pixels=5_000)
    for data in (b"", b"<svg xmlns='http://www.w3.org/2000/svg'/>", encode(halves(), "BMP"), encode(halves(), "TIFF")):
        with pytest.raises(Undecodable):
            thumbnail_from_bytes(data)
