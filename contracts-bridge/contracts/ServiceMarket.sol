// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title A service market and its S* token
/// @notice S* (6 decimals, so the off-chain ledger can count base units in a signed 64-bit integer) is minted
///         against staked DER on a linear In curve and burnt for DER on a lower Out curve:
///             price_in(s)  = basePrice + s * slopeNum / slopeDen      (DER base units per S* base unit)
///             price_out(s) = price_in(s) * outNum / outDen            (outNum < outDen)
///         Amounts are exact integrals of these prices, computed in integers and rounded against the caller (a mint
///         costs the ceiling, a redemption pays the floor). Hence the reserve never falls below what redeeming the
///         whole supply would pay: no sequence of mints and redemptions takes out more DER than was staked.
///         A creators-fund fee (basis points of the mint cost) is paid on top of each mint to the creators fund.
contract ServiceMarket is ERC20, Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Largest S* supply, in base units: the ledger's Java long.
    uint256 public constant MAX_SUPPLY = uint256(type(uint64).max >> 1);
    uint256 private constant PARAM_LIMIT = type(uint64).max;
    uint256 private constant BPS = 10_000;

    /// @notice The DER token staked in this market.
    IERC20 public immutable der;
    /// @notice Price of the first S* base unit, in DER base units.
    uint256 public immutable basePrice;
    /// @notice Numerator of the In curve's slope (DER base units per S* base unit, per S* base unit of supply).
    uint256 public immutable slopeNum;
    /// @notice Denominator of the In curve's slope.
    uint256 public immutable slopeDen;
    /// @notice The Out curve is the In curve times outNum / outDen.
    uint256 public immutable outNum;
    /// @notice See {outNum}.
    uint256 public immutable outDen;
    /// @notice Creators-fund fee on each mint, in basis points of the mint cost.
    uint256 public immutable feeBps;

    /// @notice Where the creators-fund fee goes.
    address public creatorsFund;
    /// @notice DER held against the outstanding supply (fees excluded).
    uint256 public reserve;

    /// @notice `buyer` staked `cost` DER (plus `fee` to the creators fund) and received `amount` S*.
    event Minted(address indexed buyer, uint256 amount, uint256 cost, uint256 fee);
    /// @notice `seller` burnt `amount` S* and received `refund` DER.
    event Redeemed(address indexed seller, uint256 amount, uint256 refund);
    /// @notice The creators fund moved.
    event CreatorsFundChanged(address indexed fund);

    /// @notice A curve parameter is out of range (zero denominators, Out curve not below the In curve, limits).
    error ServiceMarketBadParameters();
    /// @notice The amount is zero.
    error ServiceMarketZeroAmount();
    /// @notice Minting `amount` would take the supply past {MAX_SUPPLY}.
    error ServiceMarketSupplyCap(uint256 amount);
    /// @notice The mint would cost `required` DER (fee included), more than the caller's limit.
    error ServiceMarketSlippage(uint256 required, uint256 limit);
    /// @notice The redemption would pay `refund` DER, less than the caller's minimum.
    error ServiceMarketRefundTooLow(uint256 refund, uint256 minimum);
    /// @notice The creators fund is the zero address.
    error ServiceMarketZeroFund();

    /// @param der_ the DER token
    /// @param basePrice_ In curve price at supply 0 (DER base units per S* base unit)
    /// @param slopeNum_ In curve slope numerator
    /// @param slopeDen_ In curve slope denominator
    /// @param outNum_ Out curve factor numerator (outNum_ < outDen_)
    /// @param outDen_ Out curve factor denominator
    /// @param feeBps_ creators-fund fee in basis points of the mint cost (at most 10%)
    /// @param creatorsFund_ receives the fee
    /// @param admin may move the creators fund
    constructor(
        IERC20 der_,
        uint256 basePrice_,
        uint256 slopeNum_,
        uint256 slopeDen_,
        uint256 outNum_,
        uint256 outDen_,
        uint256 feeBps_,
        address creatorsFund_,
        address admin
    ) ERC20("Onder Flexibility S*", "SFLEX") Ownable(admin) {
        if (
            address(der_) == address(0) || basePrice_ == 0 || basePrice_ > PARAM_LIMIT || slopeNum_ > PARAM_LIMIT
                || slopeDen_ == 0 || slopeDen_ > PARAM_LIMIT || outDen_ == 0 || outDen_ > PARAM_LIMIT
                || outNum_ >= outDen_ || feeBps_ > BPS / 10
        ) revert ServiceMarketBadParameters();
        if (creatorsFund_ == address(0)) revert ServiceMarketZeroFund();
        der = der_;
        basePrice = basePrice_;
        slopeNum = slopeNum_;
        slopeDen = slopeDen_;
        outNum = outNum_;
        outDen = outDen_;
        feeBps = feeBps_;
        creatorsFund = creatorsFund_;
    }

    /// @notice S* counts in millionths.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice What minting `amount` S* now costs: the curve cost and the creators-fund fee, both in DER base units.
    /// @param amount S* base units to mint
    function quoteMint(uint256 amount) public view returns (uint256 cost, uint256 fee) {
        uint256 s = totalSupply();
        if (amount > MAX_SUPPLY - s) revert ServiceMarketSupplyCap(amount);
        cost = _ceilDiv(_twiceArea(s, amount), 2 * slopeDen);
        fee = _ceilDiv(cost * feeBps, BPS);
    }

    /// @notice What redeeming `amount` S* now pays, in DER base units.
    /// @param amount S* base units to burn (at most the supply)
    function quoteRedeem(uint256 amount) public view returns (uint256 refund) {
        uint256 s = totalSupply();
        if (amount > s) revert ServiceMarketSupplyCap(amount);
        refund = (_twiceArea(s - amount, amount) * outNum) / (2 * slopeDen * outDen);
    }

    /// @notice Stakes DER and mints `amount` S* to the caller. The caller must have approved cost plus fee.
    /// @param amount S* base units to mint
    /// @param maxPaid most DER (cost plus fee) the caller accepts to pay
    function mint(uint256 amount, uint256 maxPaid) external nonReentrant returns (uint256 cost, uint256 fee) {
        if (amount == 0) revert ServiceMarketZeroAmount();
        (cost, fee) = quoteMint(amount);
        if (cost + fee > maxPaid) revert ServiceMarketSlippage(cost + fee, maxPaid);
        reserve += cost;
        _mint(msg.sender, amount);
        emit Minted(msg.sender, amount, cost, fee);
        der.safeTransferFrom(msg.sender, address(this), cost);
        if (fee != 0) der.safeTransferFrom(msg.sender, creatorsFund, fee);
    }

    /// @notice Burns `amount` of the caller's S* and pays the Out curve's DER.
    /// @param amount S* base units to burn
    /// @param minRefund least DER the caller accepts
    function redeem(uint256 amount, uint256 minRefund) external nonReentrant returns (uint256 refund) {
        if (amount == 0) revert ServiceMarketZeroAmount();
        refund = quoteRedeem(amount);
        if (refund < minRefund) revert ServiceMarketRefundTooLow(refund, minRefund);
        _burn(msg.sender, amount);
        reserve -= refund;
        emit Redeemed(msg.sender, amount, refund);
        der.safeTransfer(msg.sender, refund);
    }

    /// @notice Moves the creators fund. Only the admin.
    /// @param fund the new creators fund
    function setCreatorsFund(address fund) external onlyOwner {
        if (fund == address(0)) revert ServiceMarketZeroFund();
        creatorsFund = fund;
        emit CreatorsFundChanged(fund);
    }

    /// @dev 2 * slopeDen * (area under the In curve from s to s + n):
    ///      2*basePrice*slopeDen*n + slopeNum*n*(2s + n). With every parameter below 2^64 and s + n below 2^63
    ///      each term is below 2^193, so nothing overflows.
    function _twiceArea(uint256 s, uint256 n) private view returns (uint256) {
        return 2 * basePrice * slopeDen * n + slopeNum * n * (2 * s + n);
    }

    function _ceilDiv(uint256 a, uint256 b) private pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
