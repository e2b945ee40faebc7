//! Car motion: a jerk-limited (S-curve) profile from rest to rest over a distance, with rated
//! speed, acceleration and jerk limits. Arithmetic and `sqrt` only (IEEE-exact), so every
//! platform computes the same positions.

/// Default acceleration limit, mm/s² (passenger comfort is 0.8–1.2 m/s²).
pub const ACCELERATION_MM_S2: f64 = 900.0;
/// Default jerk limit, mm/s³.
pub const JERK_MM_S3: f64 = 1200.0;

/// A rest-to-rest motion profile over `distance` mm.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Distance, mm (> 0).
    pub distance: f64,
    /// Peak speed reached, mm/s.
    pub peak_speed: f64,
    /// Peak acceleration reached, mm/s².
    pub peak_accel: f64,
    jerk: f64,
    /// Jerk phase duration, s.
    tj: f64,
    /// Constant-acceleration phase duration, s.
    ta: f64,
    /// Cruise duration, s.
    cruise: f64,
}

/// Distance to reach `v` from rest and stop again.
fn rest_to_rest(v: f64, a: f64, j: f64) -> f64 {
    if v >= a * a / j {
        v * (v / a + a / j)
    } else {
        2.0 * v * (v / j).sqrt()
    }
}

impl Profile {
    /// The fastest profile over `distance` mm within the limits (all positive).
    pub fn new(distance: f64, max_speed: f64, max_accel: f64, jerk: f64) -> Self {
        let distance = distance.max(1.0);
        let peak_speed = if rest_to_rest(max_speed, max_accel, jerk) <= distance {
            max_speed
        } else {
            let (mut lo, mut hi) = (0.0, max_speed);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if rest_to_rest(mid, max_accel, jerk) <= distance {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let (peak_accel, tj, ta) = if peak_speed >= max_accel * max_accel / jerk {
            (
                max_accel,
                max_accel / jerk,
                peak_speed / max_accel - max_accel / jerk,
            )
        } else {
            let a = (peak_speed * jerk).sqrt();
            (a, a / jerk, 0.0)
        };
        let cruise = ((distance - rest_to_rest(peak_speed, max_accel, jerk))
            / peak_speed.max(1e-9))
        .max(0.0);
        Self {
            distance,
            peak_speed,
            peak_accel,
            jerk,
            tj,
            ta,
            cruise,
        }
    }

    /// Duration of one speed ramp (up or down), s.
    fn ramp(&self) -> f64 {
        2.0 * self.tj + self.ta
    }

    /// Total duration, s.
    pub fn duration_s(&self) -> f64 {
        2.0 * self.ramp() + self.cruise
    }

    /// Position (mm from the start) and speed (mm/s) while speeding up, `t` s after starting.
    fn ramp_up(&self, t: f64) -> (f64, f64) {
        let (j, a, tj, ta) = (self.jerk, self.peak_accel, self.tj, self.ta);
        if t <= tj {
            return (j * t * t * t / 6.0, j * t * t / 2.0);
        }
        let (p1, v1) = (j * tj * tj * tj / 6.0, j * tj * tj / 2.0);
        if t <= tj + ta {
            let u = t - tj;
            return (p1 + v1 * u + a * u * u / 2.0, v1 + a * u);
        }
        let (p2, v2) = (p1 + v1 * ta + a * ta * ta / 2.0, v1 + a * ta);
        let u = (t - tj - ta).min(tj);
        (
            p2 + v2 * u + a * u * u / 2.0 - j * u * u * u / 6.0,
            v2 + a * u - j * u * u / 2.0,
        )
    }

    /// Position (mm from the start, 0 ..= distance) and speed (mm/s, ≥ 0) at `t` s.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let total = self.duration_s();
        let t = t.clamp(0.0, total);
        let ramp = self.ramp();
        if t <= ramp {
            self.ramp_up(t)
        } else if t <= ramp + self.cruise {
            let (p, _) = self.ramp_up(ramp);
            (p + self.peak_speed * (t - ramp), self.peak_speed)
        } else {
            let (p, v) = self.ramp_up(total - t);
            (self.distance - p, v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_run_reaches_rated_speed_and_ends_at_the_distance() {
        let p = Profile::new(60_000.0, 2500.0, ACCELERATION_MM_S2, JERK_MM_S3);
        assert_eq!(p.peak_speed, 2500.0);
        let (end, v) = p.at(p.duration_s());
        assert!((end - 60_000.0).abs() < 1.0, "{end}");
        assert!(v.abs() < 1e-6);
        let mut last = 0.0;
        let steps = 1000;
        for i in 0..=steps {
            let (pos, speed) = p.at(p.duration_s() * f64::from(i) / f64::from(steps));
            assert!(pos + 1e-6 >= last, "position never goes back");
            assert!(speed <= 2500.0 + 1e-6, "never above rated");
            last = pos;
        }
    }

    #[test]
    fn a_one_floor_run_stays_below_rated_speed() {
        let p = Profile::new(3000.0, 2500.0, ACCELERATION_MM_S2, JERK_MM_S3);
        assert!(p.peak_speed < 2500.0);
        let (end, _) = p.at(p.duration_s());
        assert!((end - 3000.0).abs() < 1.0, "{end}");
        assert!((4.0..12.0).contains(&p.duration_s()), "{}", p.duration_s());
    }
}
