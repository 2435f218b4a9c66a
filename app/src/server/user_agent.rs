//! What a user agent string says: browser, operating system and kind of device, for the
//! sessions and sign-in history people see and for audit events.

/// Browser, OS and device type of a user agent string.
pub fn parse_user_agent(ua: &str) -> (String, String, String) {
    match woothee::parser::Parser::new().parse(ua) {
        Some(r) => {
            let device = match r.category {
                "pc" => "Desktop",
                "smartphone" | "mobilephone" => "Mobile",
                "crawler" => "Bot",
                "appliance" => "Appliance",
                _ => "Other",
            };
            let browser = if r.name == "UNKNOWN" {
                "Unknown".to_string()
            } else {
                format!("{} {}", r.name, r.version).trim().to_string()
            };
            let os = if r.os == "UNKNOWN" {
                "Unknown".to_string()
            } else {
                r.os.to_string()
            };
            (browser, os, device.to_string())
        }
        None => ("Unknown".into(), "Unknown".into(), "Other".into()),
    }
}

/// "Firefox 120.0 on Linux (desktop)"; empty for no user agent.
pub fn device_label(ua: &str) -> String {
    if ua.is_empty() {
        return String::new();
    }
    let (browser, os, device) = parse_user_agent(ua);
    format!("{browser} on {os} ({})", device.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_parsed() {
        let (b, os, d) = parse_user_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36");
        assert!(b.starts_with("Chrome"), "{b}");
        assert!(os.contains("Windows"), "{os}");
        assert_eq!(d, "Desktop");
        let (_, _, d) = parse_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1");
        assert_eq!(d, "Mobile");
    }
}
