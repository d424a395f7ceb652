import pytest

from directory import licensing, places


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Toronto", "Toronto, Ontario, Canada"),
        ("  montréal ", "Montréal, Quebec, Canada"),
        ("Montreal", "Montréal, Quebec, Canada"),
        ("London", "London, United Kingdom"),
        ("London, Ontario", "London, Ontario, Canada"),
        ("London, CA", "London, Ontario, Canada"),
        ("Springfield, IL", "Springfield, Illinois, United States"),
        ("Santiago, Chile", "Santiago, Chile"),
        ("Bombay", "Mumbai, India"),
    ],
)
def test_a_city_is_found_by_its_name_and_what_follows_the_comma(written, name):
    assert places.locate(written).place.name == name


def test_a_zip_code_is_found_with_its_city():
    place = places.locate("10001").place

    assert place.name == "10001 (New York, NY)"
    assert places.distance_km((place.latitude, place.longitude), (40.7484, -73.9967)) < 1


@pytest.mark.parametrize("written", ["", "   ", "00000", "M5V 2T6", "Qwxzpv", "London, Narnia"])
def test_what_is_not_a_known_place_finds_nothing(written):
    assert places.locate(written).place is None


def test_a_misspelt_city_offers_close_names():
    lookup = places.locate("Torontoo")

    assert lookup.place is None
    assert lookup.suggestions[0] == "Toronto, Ontario, Canada"
    assert len(lookup.suggestions) <= places.MAX_SUGGESTIONS


def test_a_practice_is_located_from_its_city_region_and_country():
    toronto = places.coordinates(city="Toronto", region="Ontario", country="Canada")
    london_on = places.coordinates(city="London", region="Ontario", country="Canada")

    assert toronto == pytest.approx((43.706, -79.399), abs=0.01)
    assert places.distance_km(toronto, london_on) == pytest.approx(165, abs=10)
    assert places.coordinates(city="", region="Ontario", country="Canada") is None
    assert places.coordinates(city="Nowhere-upon-Nothing", region="", country="") is None


def test_the_box_holds_every_point_within_the_distance():
    south, north, west, east = places.bounding_box(latitude=43.7, longitude=-79.4, km=50)

    for bearing_lat, bearing_lon in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        # A point just inside 50 km in each direction is inside the box.
        lat = 43.7 + bearing_lat * 49.9 / places.KM_PER_DEGREE
        lon = -79.4 + bearing_lon * 49.9 / (places.KM_PER_DEGREE * 0.7230)
        assert places.distance_km((43.7, -79.4), (lat, lon)) < 50
        assert south <= lat <= north and west <= lon <= east


def test_the_box_crosses_the_antimeridian_and_opens_at_the_poles():
    _south, _north, west, east = places.bounding_box(latitude=-17.7, longitude=179.9, km=100)
    assert west > east  # from about 179 east, round to about 179 west

    assert places.bounding_box(latitude=89.9, longitude=0, km=100)[2:] == (None, None)


def test_licensing_areas_are_iso_codes_with_names():
    assert licensing.name_of("CA-ON") == "Ontario, Canada"
    assert licensing.name_of("GB") == "United Kingdom"
    assert licensing.normalized(" ca-on ") == "CA-ON"
    assert licensing.normalized("XX-YY") == ""
    assert licensing.area_for(region="Ontario", country="Canada") == "CA-ON"
    assert licensing.area_for(region="England", country="United Kingdom") == "GB"
    assert licensing.area_for(region="", country="Atlantis") == ""
