"""Dates of the occasions of the care campaigns: fixed days of the solar year, the
Vietnamese lunar new year (Tết) and a person's or a company's own day.

Tết is the first day of the first month of the Vietnamese lunar calendar, computed
with Hồ Ngọc Đức's astronomical algorithm (new moons and the sun's longitude after
Jean Meeus, "Astronomical Algorithms", 1998) in Vietnam's time zone (UTC+7): the
month holding the winter solstice is month 11, and Tết starts the second month after
it, or the third when a leap month falls between them."""

import math
from datetime import date

VIETNAM_TZ = 7.0  # hours: Vietnam's lunar calendar follows the meridian of UTC+7
# Fixed days of the solar year: (month, day)
FIXED_OCCASIONS = {
    "valentine": (2, 14),
    "womens_day": (3, 8),
    "vietnam_women_day": (10, 20),
    "teachers_day": (11, 20),
}
# Occasions whose date is each recipient's own (the campaign runs for a year from its date)
PER_RECIPIENT_OCCASIONS = {"birthday": "stp_birthday", "company_anniversary": "stp_founding_date"}

_JD_EPOCH = date(2000, 1, 1).toordinal() - 2451545  # Julian day number = ordinal - this
_SYNODIC_MONTH = 29.530588853
_DAY_1900 = 2415021  # Julian day number of 1 January 1900


def _julian_day(day):
    return day.toordinal() - _JD_EPOCH


def _new_moon(k):
    """Julian day (at UTC) of the ``k``-th new moon after 1 January 1900 (Meeus, ch. 49)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 = c1 - 0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(dr * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        deltat = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        deltat = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - deltat


def _new_moon_day(k, tz):
    """Local (UTC+``tz``) Julian day number of the ``k``-th new moon."""
    return int(_new_moon(k) + 0.5 + tz / 24)


def _sun_longitude_sector(jdn, tz):
    """Which of the 12 30° sectors the sun's longitude is in at local midnight of ``jdn``."""
    t = (jdn - 2451545.5 - tz / 24) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = (l0 + dl) * dr
    longitude -= math.pi * 2 * math.floor(longitude / (math.pi * 2))
    return int(longitude / math.pi * 6)


def _month_11_index(year, tz):
    """Index ``k`` of the new moon starting lunar month 11 (the winter solstice's) of ``year``."""
    k = int((_julian_day(date(year, 12, 31)) - _DAY_1900) / _SYNODIC_MONTH)
    if _sun_longitude_sector(_new_moon_day(k, tz), tz) >= 9:
        k -= 1
    return k


def _leap_month_offset(k11, tz):
    """How many months after month 11 (index ``k11``) the leap month of a 13-month year falls:
    the first month without a major solar term."""
    last, i = 0, 1
    arc = _sun_longitude_sector(_new_moon_day(k11 + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_longitude_sector(_new_moon_day(k11 + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def lunar_new_year(year, tz=VIETNAM_TZ):
    """The first day of Tết in ``year`` (Gregorian date) in the lunar calendar of the
    time zone UTC+``tz``: Vietnam's by default (China's, UTC+8, differs some years:
    2007, 2030)."""
    k11 = _month_11_index(year - 1, tz)
    months_after = 2  # month 11 -> 12 -> 1
    leap_year = _new_moon_day(_month_11_index(year, tz), tz) - _new_moon_day(k11, tz) > 365
    if leap_year and _leap_month_offset(k11, tz) <= 2:
        months_after = 3  # a leap month 11 or 12 comes first
    return date.fromordinal(_new_moon_day(k11 + months_after, tz) + _JD_EPOCH)


def anniversary_in_year(day, year):
    """``day``'s anniversary in ``year``; 29 February falls on 28 February in common years."""
    if day.month == 2 and day.day == 29 and not _is_leap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def next_anniversary(day, start):
    """The first anniversary of ``day`` on or after ``start``."""
    this_year = anniversary_in_year(day, start.year)
    return this_year if this_year >= start else anniversary_in_year(day, start.year + 1)


def occasion_date(occasion, year):
    """The day of a yearly occasion in ``year`` (``None`` for per-recipient and custom ones)."""
    if occasion in FIXED_OCCASIONS:
        month, day = FIXED_OCCASIONS[occasion]
        return date(year, month, day)
    if occasion == "tet":
        return lunar_new_year(year)
    return None


def next_occasion_date(occasion, start):
    """The next day of ``occasion`` on or after ``start`` (``start`` itself for the
    per-recipient and custom occasions)."""
    this_year = occasion_date(occasion, start.year)
    if this_year is None:
        return start
    return this_year if this_year >= start else occasion_date(occasion, start.year + 1)


def recipient_date(occasion, own_day, campaign_date):
    """A recipient's day in a campaign: their own next anniversary within the year the
    campaign covers, or the campaign's date."""
    if occasion in PER_RECIPIENT_OCCASIONS and own_day:
        return next_anniversary(own_day, campaign_date)
    return campaign_date


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
