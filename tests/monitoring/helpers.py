from decimal import Decimal

from listings.services import listing_upsert
from registry.services import protection_rules_set


def set_rules(world, capture, *, countries=("DE", "US"), countries_mode="suppress", sellers=(),
              sellers_mode="flag", extra_terms=(), misspellings=(), brand=None, by=None):
    with capture(execute=True):
        protection_rules_set(brand=brand or world.brand_a, by=by or world.alice, countries=list(countries),
                             countries_mode=countries_mode, sellers=list(sellers), sellers_mode=sellers_mode,
                             extra_terms=list(extra_terms), misspellings=list(misspellings))


def upsert(capture, seller, external_id="X-1", *, title="Headphones", description="", brand_name="",
           ships_from="CN"):
    with capture(execute=True):
        listing, _ = listing_upsert(seller=seller, external_id=external_id, title=title, description=description,
                                    brand_name=brand_name, ships_from=ships_from, price=Decimal("9.99"))
    listing.refresh_from_db()
    return listing
